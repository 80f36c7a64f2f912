import QtQuick
import "../components"

Item {
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("Your result is ready") }
        KText { width: parent.width; text: session.pickup.item || "" }
        KText { width: parent.width; color: Theme.muted; text: session.pickup.trackingNo || "" }
        KText { width: parent.width; text: qsTr("Take the printed document from the printer below.") }
        BigButton {
            objectName: "pickupDone"
            primary: true
            text: qsTr("Done")
            onClicked: session.pickupDone()
        }
    }
}
