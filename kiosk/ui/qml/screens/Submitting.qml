import QtQuick
import QtQuick.Controls
import "../components"

// The commit runs off the GUI thread; "submitted" is said only by the receipt screen.
Item {
    Column {
        anchors.centerIn: parent
        width: parent.width
        spacing: Theme.spacing * 2
        BusyIndicator {
            objectName: "progress"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Theme.minTouch * 2
            height: width
            running: true
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: Theme.fontTitle
            text: qsTr("Saving your application securely…")
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: Theme.muted
            text: qsTr("Please wait, do not leave yet.")
        }
    }
}
