import QtQuick
import "../components"

Item {
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("Check progress") }
        KText { width: parent.width; text: qsTr("Scan the QR code on your receipt, or type the tracking number.") }
        KField {
            id: tracking
            objectName: "trackingField"
            width: parent.width
            placeholderText: "DM1-261125-0001-X"
            inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
            errorText: session.error
        }
        ErrorText { text: session.error }
        BigButton {
            objectName: "lookupStatus"
            primary: true
            text: qsTr("Look up")
            onClicked: session.lookupStatus(tracking.text)
        }
    }
}
